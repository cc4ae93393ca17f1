// npm run bench:token (npx tsx bench/token.bench.ts): what a call with a cached role token costs over
// the same call anonymous, against an identity provider and an API in this process (no stack needed).
import { benchTokenCost } from './token-cost.ts';

await benchTokenCost();
