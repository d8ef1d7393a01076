import { randomInt } from 'node:crypto'

// MLflow names unnamed runs `<adjective>-<noun>-<number>`; these are our own words in that style.
const ADJECTIVES = [
  'able', 'amber', 'bold', 'brave', 'bright', 'calm', 'clever', 'crisp', 'dapper', 'eager',
  'fair', 'fleet', 'gentle', 'glad', 'golden', 'grand', 'happy', 'honest', 'keen', 'kind',
  'lively', 'lucid', 'merry', 'mighty', 'nimble', 'noble', 'polite', 'proud', 'quick', 'quiet',
  'rapid', 'rare', 'shy', 'silent', 'sleek', 'smooth', 'steady', 'swift', 'tidy', 'vivid',
  'warm', 'wise', 'witty', 'zesty',
]
const NOUNS = [
  'apple', 'badger', 'bat', 'bear', 'cedar', 'comet', 'crane', 'deer', 'dove', 'eagle',
  'elm', 'falcon', 'fern', 'finch', 'fox', 'frog', 'grove', 'hare', 'hawk', 'heron',
  'lark', 'lynx', 'maple', 'mole', 'moth', 'newt', 'oak', 'otter', 'owl', 'pear',
  'pine', 'plum', 'quail', 'raven', 'robin', 'seal', 'sparrow', 'stork', 'swan', 'toad',
  'trout', 'willow', 'wolf', 'wren',
]

const pick = (words: readonly string[]): string => words[randomInt(words.length)] as string

export function generateRunName(): string {
  return `${pick(ADJECTIVES)}-${pick(NOUNS)}-${randomInt(1000)}`
}
