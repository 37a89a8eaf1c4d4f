import { z } from 'zod';

export const LANE_PROGRESS_SCHEMA = 'gatehound.lane-progress.v1';

/**
 * A record of the key stage on every partition of the internal re-keyed topic, beside the re-keyed
 * events: how far one key partition (a lane of the address stage) has got. With it the address
 * stage can tell a key partition that is behind (its partition holds records past `offset`) from one
 * that has nothing more to send, instead of waiting for an idle one or scoring past a slow one.
 */
export const LaneProgress = z
  .strictObject({
    schema: z.literal(LANE_PROGRESS_SCHEMA),
    /** The key partition. */
    lane: z.number().int().nonnegative(),
    /** The last offset of the key partition taken in (-1: none yet), its re-keyed events sent before this record. */
    offset: z.number().int().min(-1),
    /** Latest event time taken in (epoch ms); null before its first event. */
    ts: z.number().int().nullable(),
  })
  .describe('gatehound lane progress v1 (internal: key stage to address stage)');
export type LaneProgress = z.infer<typeof LaneProgress>;
