// pascalCase: contract names to identifiers, always valid ones, the case of each word kept.
import { describe, expect, it } from 'vitest';
import { pascalCase } from './pascal-case.js';

describe('pascalCase', () => {
  it.each([
    ['price', 'Price'],
    ['buildLog', 'BuildLog'],
    ['build-log.v2', 'BuildLogV2'],
    ['order_fills', 'OrderFills'],
    ['ssekit.reset', 'SsekitReset'],
    ['ABC', 'ABC'],
    ['a..b--c', 'ABC'],
    ['-leading and trailing-', 'LeadingAndTrailing'],
  ])('%s → %s', (name, expected) => {
    expect(pascalCase(name)).toBe(expected);
  });

  it('always gives an identifier: a leading digit or an empty result gets a T', () => {
    expect(pascalCase('2fa')).toBe('T2fa');
    expect(pascalCase('404-page')).toBe('T404Page');
    expect(pascalCase('')).toBe('T');
    expect(pascalCase('---')).toBe('T');
    expect(pascalCase('é')).toBe('T');
  });

  it('keeps the case of a word past its first letter', () => {
    expect(pascalCase('lastEventId')).toBe('LastEventId');
    expect(pascalCase('x-HTTPStatus')).toBe('XHTTPStatus');
  });
});
