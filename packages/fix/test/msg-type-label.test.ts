import { describe, expect, it } from 'vitest';
import { FIX_MSG_TYPE_LABELS, msgTypeLabelIndex } from '../src/msg-type-label.js';

describe('msgTypeLabelIndex', () => {
  it('gives every label its own index, one- and two-character types alike', () => {
    FIX_MSG_TYPE_LABELS.forEach((label, i) => {
      if (label !== 'other') expect(msgTypeLabelIndex(label), label).toBe(i);
    });
  });

  it('counts anything else as other, including the empty, non-ASCII and unknown two-character types', () => {
    const other = FIX_MSG_TYPE_LABELS.indexOf('other');
    for (const t of ['', 'q', 'é', '\u0000', 'AJ', 'ZZ', 'other', 'DD']) expect(msgTypeLabelIndex(t), JSON.stringify(t)).toBe(other);
  });
});
