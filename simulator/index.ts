export type { Attack } from './attacks.js';
export { DEFAULT_SIMULATION, type GroundTruth, type SimulationOptions, simulate } from './simulate.js';
