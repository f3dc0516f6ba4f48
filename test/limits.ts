/**
 * The API key limit the tests run with (vitest.config.ts): lower than production's in wrangler.toml, so a test can
 * exceed it in a second; still far above what any other test does with one key in a minute.
 */
export const TEST_API_LIMIT = 600;
