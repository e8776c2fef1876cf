// The corpora the project writes itself: a handful of toy sentences, and short fables generated from a small
// grammar (the default text corpus). No third-party text.
import {stream} from "./corpus.js";

/** Sixteen short sentences over 23 characters (the toy preset's vocabSize). */
export const TOY_SENTENCES = `The dog ate my homework.
The cat sat on the mat.
My dog ate the cat food.
The cat ate my hat.
A dog sat on my homework.
The dog and the cat are at home.
My cat sat on the bed.
The hat was on the mat.
The dog was not at home.
A cat ate my food.
My homework was on the bed.
The cat and the dog ate the food.
My dog sat on the hat.
The food was not on the mat.
A dog and a cat sat on the bed.
My cat was on my homework.
`;

const ANIMALS = ["fox", "hare", "owl", "bear", "mouse", "crow", "goat", "wolf", "frog", "duck", "badger", "otter"];
const ADJECTIVES = ["little", "old", "clever", "hungry", "sleepy", "brave", "kind", "proud", "shy", "curious"];
const PLACES = ["the river", "the old mill", "the forest", "the hill", "the garden", "the village", "the pond"];
const THINGS = ["a red apple", "a silver key", "a loaf of bread", "a lantern", "a small boat", "a jar of honey"];
const TIMES = ["Once upon a time", "Long ago", "One cold winter", "In the spring", "One rainy autumn"];
const WEATHER = [
  "the sun was warm",
  "the wind was cold",
  "it began to rain",
  "the snow was deep",
  "the night was dark"
];
const MORALS = [
  "a friend in need is a friend indeed",
  "slow and steady wins the race",
  "kindness is never wasted",
  "it is better to share than to quarrel",
  "pride comes before a fall",
  "the clever find a way"
];

interface Character {
  name: string; // "the fox"
  he: string; // "he" or "she"
  his: string; // "his" or "her"
}

/**
 * count fables (a paragraph each, separated by a blank line), fully determined by seed; about 560 characters each.
 * A grammar this small teaches a character model spelling, words, punctuation, quotes and simple syntax quickly.
 */
export function fables(seed: number, count: number): string {
  const uniform = stream(seed, "fables");
  const pick = <T>(items: readonly T[]): T => items[Math.floor(uniform() * items.length)];
  const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
  const character = (avoid?: string): Character => {
    let animal = pick(ANIMALS);
    while (`the ${animal}` === avoid) animal = pick(ANIMALS);
    const she = uniform() < 0.5;
    return {name: `the ${animal}`, he: she ? "she" : "he", his: she ? "her" : "his"};
  };
  const story = (): string => {
    const hero = character();
    const friend = character(hero.name);
    const home = pick(PLACES);
    let away = pick(PLACES);
    while (away === home) away = pick(PLACES);
    const thing = pick(THINGS);
    const adjective = pick(ADJECTIVES);
    const article = /^[aeiou]/.test(adjective) ? "an" : "a";
    const [Hero, Friend] = [cap(hero.name), cap(friend.name)];
    const opening = [
      `${pick(TIMES)}, ${article} ${adjective} ${hero.name.slice(4)} lived near ${home}.`,
      `Every day ${hero.he} went to ${away} to look for ${thing}.`,
      `One day, when ${pick(WEATHER)}, ${hero.he} met ${friend.name}.`,
      `"Where are you going?" asked ${friend.name}.`,
      `"I am going to ${away}," said ${hero.name}, "to find ${thing}."`
    ];
    const endings = [
      [
        `${Friend} laughed. "I saw ${thing} there yesterday. Let us go together."`,
        `So they walked to ${away}, and there, under a tree, was ${thing}.`,
        `${Hero} shared it with ${friend.name}, and they were friends from that day on.`,
        `And so ${hero.name} learned that ${pick([MORALS[0], MORALS[2], MORALS[3]])}.`
      ],
      [
        `${Friend} shook ${friend.his} head. "It is too far. Stay here with me."`,
        `But ${hero.name} did not listen, and ${hero.he} went on alone.`,
        `${cap(hero.he)} walked until dark, found nothing, and came home cold and tired.`,
        `${Friend} was waiting with supper, and ${hero.name} was glad to see ${friend.his} light.`,
        `And so ${hero.name} learned that ${pick([MORALS[4], MORALS[2]])}.`
      ],
      [
        `${Friend} said nothing, but ${friend.he} followed ${hero.name} all the way.`,
        `They looked everywhere, and at last ${friend.name} found ${thing} by the water.`,
        `${Hero} thanked ${friend.name}, and they went back to ${home} together.`,
        `And so ${hero.name} learned that ${pick([MORALS[1], MORALS[5], MORALS[0]])}.`
      ]
    ];
    return [...opening, ...pick(endings)].join(" ");
  };
  return Array.from({length: count}, story).join("\n\n") + "\n";
}

export type CorpusName = "toy" | "fables";

/** The corpora by name: `tinygpt train --corpus NAME`. fables is the default text corpus (1,113,921 characters, 41 distinct). */
export const CORPORA: Readonly<Record<CorpusName, () => string>> = {
  toy: () => TOY_SENTENCES,
  fables: () => fables(0, 2000)
};

export const isCorpusName = (name: unknown): name is CorpusName =>
  typeof name === "string" && Object.prototype.hasOwnProperty.call(CORPORA, name);
