/**
 * Bench-only worker for the nlp section (bench/sections/nlp.ts): the built-in intent classifier inside workerd,
 * timed from outside because workerd does not advance its clocks during synchronous work. Bundled by esbuild
 * and run in Miniflare; never deployed.
 */
import { classifyIntent, modelSize, trainIntents, type IntentModel } from "../../shared/nlp/intent";
import { STARTER_INTENTS } from "../../shared/nlp/starter-intents";

let model: IntentModel | null = null;

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

export default {
  async fetch(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (request.method !== "POST") return json({ error: "POST only" }, 405);
    switch (pathname) {
      case "/noop": {
        // The HTTP floor: the same request and a reply shaped like /classify's, without the classification.
        const text = await request.text();
        const alternative = { intent: "noop", confidence: 0 };
        return json({ intent: "noop", confidence: text.length, lang: "en", alternatives: [alternative, alternative, alternative] });
      }
      case "/train":
        model = trainIntents(STARTER_INTENTS, { seed: 1 });
        return json({ examples: STARTER_INTENTS.length, intents: model.intents.length, features: model.features.length, model_bytes: modelSize(model) });
      case "/model":
        return model ? json(model) : json({ error: "not trained" }, 409);
      case "/classify":
        return model ? json(classifyIntent(model, await request.text())) : json({ error: "not trained" }, 409);
      case "/classify-batch": {
        const trained = model;
        if (!trained) return json({ error: "not trained" }, 409);
        const texts = (await request.json()) as string[];
        // Only the answers' intents go back: serialising every alternative would time JSON, not the classifier.
        return json({ intents: texts.map((t) => classifyIntent(trained, t).intent) });
      }
      default:
        return json({ error: "not found" }, 404);
    }
  },
};
