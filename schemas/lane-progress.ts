import { z } from 'zod';

export const LANE_PROGRESS_SCHEMA = 'gatehound.lane-progress.v1';

/**
 * A record of the key stage on every partition of the internal re-keyed topic, beside the re-keyed
 * events: how far one key partition (a lane of the address stage) has got. Without it the address
 * stage could not tell a key partition that is behind from one that has nothing to send, and would
 * either wait for an idle one or score past one that is catching up.
 */
export const LaneProgress = z
  .strictObject({
    schema: z.literal(LANE_PROGRESS_SCHEMA),
    /** The key partition. */
    lane: z.number().int().nonnegative(),
    /** Latest event time it has re-keyed (epoch ms); null before its first event. */
    ts: z.number().int().nullable(),
    /** It has read its partition to the end and nothing came for a while: do not wait for it. */
    idle: z.boolean(),
  })
  .describe('gatehound lane progress v1 (internal: key stage to address stage)');
export type LaneProgress = z.infer<typeof LaneProgress>;
