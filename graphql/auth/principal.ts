/** Roles, from most to least powerful. */
export const roles = ['admin', 'analyst', 'customer'] as const;
export type Role = (typeof roles)[number];

/** Who is calling: established once per request by authentication, read by every resolver. */
export interface Principal {
  /** API key name or JWT subject: what the audit log and the rate limiter record. */
  subject: string;
  role: Role;
  /** Customers see only meters whose registry record carries this customer id. */
  customerId: string | null;
  via: 'api-key' | 'jwt' | 'system';
  /** Epoch ms after which the credential is no longer valid (a JWT's exp); absent: no expiry (API keys). */
  expiresAt?: number;
}

/** The auto-block policies act as this principal (audited as such). */
export const systemPrincipal: Principal = { subject: 'policy', role: 'admin', customerId: null, via: 'system' };
