// Chapter 8's settings: each recipe the page offers fills the form exactly, and the form gives the recipe back.
import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {recipe} from "../../../src/gpt/recipes.js";
import {
  BETA2S,
  defaultRecipe,
  formOf,
  LEARNING_RATES,
  PAGE_RECIPES,
  recipePlan,
  runPlan
} from "../../../src/components/training/runSettings.js";

describe("the page's recipes", () => {
  for (const name of PAGE_RECIPES) {
    it(`${name}: the form shows it and gives it back, with the page's 4 validation batches`, () => {
      const form = formOf(recipe(name));
      assert.ok((LEARNING_RATES as readonly number[]).includes(form.lr), `lr ${form.lr} is offered`);
      assert.ok((BETA2S as readonly number[]).includes(form.beta2), `β2 ${form.beta2} is offered`);
      assert.deepEqual(runPlan(form, name).settings, {...recipe(name), evalIters: 4});
      assert.deepEqual(recipePlan(name), runPlan(form, name));
    });
  }

  it("seed-addition is the published recipe: lr 5e-4, batch 128, 3,907 steps, decay 0.01, cosine to 0, clip 1", () => {
    const form = formOf(recipe("seed-addition"));
    const {steps, batchSize, lr, schedule, weightDecay, clip} = form;
    assert.deepEqual(
      {steps, batchSize, lr, schedule, weightDecay, clip},
      {
        ...{steps: 3907, batchSize: 128, lr: 5e-4, schedule: "cosine"},
        ...{weightDecay: 0.01, clip: 1}
      }
    );
  });

  it("a run on sums starts from the course's addition recipe, one on text from the shipped Shakespeare model's", () => {
    assert.equal(defaultRecipe(true), "course-addition");
    assert.equal(defaultRecipe(false), "baby-shakespeare");
    const {settings, sampleEvery} = recipePlan("course-addition");
    assert.deepEqual([settings.steps, settings.warmup, settings.minLr, settings.beta2], [2000, 100, 1e-4, 0.99]);
    assert.equal(sampleEvery, 250, "eight samples in a run");
  });

  it("the form's schedules: warmup + cosine decays to lr / 10, cosine to 0 without warmup, constant holds", () => {
    const form = formOf(recipe("course-addition"));
    const of = (schedule: typeof form.schedule) => runPlan({...form, schedule}, "course-addition").settings;
    assert.deepEqual(
      [of("warmup + cosine"), of("cosine"), of("constant")].map(({schedule, warmup, minLr}) => [
        schedule,
        warmup,
        minLr
      ]),
      [
        ["cosine", 100, 1e-4],
        ["cosine", 0, 0],
        ["constant", 0, 0]
      ]
    );
    assert.equal(runPlan({...form, clip: 0}, "course-addition").settings.clip, null, "clip 0 is no clipping");
  });
});
