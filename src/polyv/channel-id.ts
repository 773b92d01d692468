/**
 * Polyv channel ids are numbers to the platform: the batch-checkin body carries them as JSON numbers
 * (its documented example), and the other endpoints read the `channelId` parameter as one. So
 * "0001000" and "1000" are the same channel. runbook keeps a channel id as a string of decimal digits
 * in canonical form — no leading zeros, 1 to 20 digits, not zero — compares ids in that form, and
 * sends exactly those digits (never through a JavaScript number, which would round ids above 2^53).
 */
export const MAX_CHANNEL_ID_DIGITS = 20;

/** The canonical form of a channel id given as text or a number, or undefined when it is not one. */
export function canonicalChannelId(value: unknown): string | undefined {
  let text: string;
  if (typeof value === 'number') {
    // A YAML number above 2^53 has already lost its digits: refuse it rather than guess.
    if (!Number.isSafeInteger(value) || value <= 0) return undefined;
    text = String(value);
  } else if (typeof value === 'string') text = value.trim();
  else return undefined;
  if (!/^\d+$/.test(text)) return undefined;
  const digits = text.replace(/^0+/, '');
  if (digits === '' || digits.length > MAX_CHANNEL_ID_DIGITS) return undefined;
  return digits;
}
