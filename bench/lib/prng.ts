/** A seeded PRNG, so a run's schedule is reproducible. */
export { mulberry32 as prng } from "../../shared/mulberry32.ts";
