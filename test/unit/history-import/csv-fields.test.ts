import { csvFields } from '../../../history-import/csv-fields';

describe('csvFields', () => {
  it('splits plain lines on the delimiter, keeping empty fields', () => {
    expect(csvFields('a;b;;d', ';')).toEqual(['a', 'b', '', 'd']);
    expect(csvFields('MAC003718,Std,17/10/2012 13:00:00,0.09,ACORN-A,Affluent', ',')).toEqual(['MAC003718', 'Std', '17/10/2012 13:00:00', '0.09', 'ACORN-A', 'Affluent']);
  });

  it('reads quoted fields holding the delimiter and doubled quotes (RFC 4180)', () => {
    expect(csvFields('"m,1","say ""hi""",3', ',')).toEqual(['m,1', 'say "hi"', '3']);
  });

  it('refuses a line whose quote is not closed', () => {
    expect(csvFields('m-1;"01/03/2016;1', ';')).toBeNull();
  });
});
