import { pkiFixture } from '../helpers/pki-fixtures.js';
import { seal, open } from '../../src/envelope/index.js';
const f = pkiFixture('ec-p256');
for (const extra of [{ stream: { epoch: -1, seq: 0 } }, { resource: '' }, { resource: 'x'.repeat(200) }, { contentType: '' }]) {
  try {
    const frame = await seal({ from: f.alice, to: f.bob.certificate, resource: 'R', stream: { epoch: 1, seq: 0 }, rows: [], ...extra });
    try { await open(frame, { me: f.bob, trust: f.trust }); console.log(extra, 'opened'); } catch (e: any) { console.log(extra, 'sealed but open ->', e.code, e.message); }
  } catch (e: any) { console.log(extra, 'seal ->', e.code); }
}
