import type { Principal } from '../../../../graphql/auth/principal';
import type { GraphqlContext } from '../../../../graphql/context';
import { commandResolvers } from '../../../../graphql/schema/commands/command-resolvers';
import type { CommandView } from '../../../../graphql/commands/command-service';

// Customers do not see operators' notes or who issued a command.
const as = (principal: Principal) => ({ principal }) as GraphqlContext;
const customer = as({ subject: 'c', role: 'customer', customerId: 'cust-1', via: 'api-key' });
const analyst = as({ subject: 'a', role: 'analyst', customerId: null, via: 'api-key' });
const view = { commandId: 'cmd-1', note: 'tenant threatened staff, block on sight', issuedBy: 'ops-jane' } as unknown as CommandView;

describe('Command and MeterStatus fields by role', () => {
  it('hides note and issuedBy from customers', () => {
    expect(commandResolvers.Command.note(view, {}, customer)).toBeNull();
    expect(commandResolvers.Command.issuedBy(view, {}, customer)).toBeNull();
    expect(commandResolvers.MeterStatus.note({ note: 'internal' }, {}, customer)).toBeNull();
  });

  it('shows them to staff roles', () => {
    expect(commandResolvers.Command.note(view, {}, analyst)).toBe('tenant threatened staff, block on sight');
    expect(commandResolvers.Command.issuedBy(view, {}, analyst)).toBe('ops-jane');
    expect(commandResolvers.MeterStatus.note({ note: 'internal' }, {}, analyst)).toBe('internal');
  });
});
