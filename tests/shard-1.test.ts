/**
 * Shard 1 of 2 of the test files (see loadShard): `npm run test:unit` runs both shards, one
 * process each; a single file still runs alone with `npx tsx --test tests/<area>/<file>.test.ts`.
 */
import { loadShard } from "./harness/shards";

loadShard(0, 2);
