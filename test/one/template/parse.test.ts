import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTemplate, TemplateSyntaxError, templateGet, templateVectors, vectorGet } from '../../../lib/one/template';

describe('parseTemplate', () => {
  it('reads single, quoted, bare, empty and vector attributes, upper-casing names', () => {
    // Prepare
    const text = [
      '# a comment',
      'name = "svm-job-1"',
      'CPU=0.5',
      '  MEMORY = 1024',
      'EMPTY =',
      'DISK = [ IMAGE_ID = 3, size = "10" ]',
      'DISK = [',
      '  IMAGE = "debian-12",',
      '  IMAGE_UNAME = oneadmin',
      ']',
      'NIC = [ ]',
    ].join('\n');

    // Act
    const attrs = parseTemplate(text);

    // Assess
    expect(attrs).toEqual([
      { name: 'NAME', value: 'svm-job-1' },
      { name: 'CPU', value: '0.5' },
      { name: 'MEMORY', value: '1024' },
      { name: 'EMPTY', value: '' },
      { name: 'DISK', vector: [{ name: 'IMAGE_ID', value: '3' }, { name: 'SIZE', value: '10' }] },
      { name: 'DISK', vector: [{ name: 'IMAGE', value: 'debian-12' }, { name: 'IMAGE_UNAME', value: 'oneadmin' }] },
      { name: 'NIC', vector: [] },
    ]);
    expect(templateGet(attrs, 'cpu')).toBe('0.5');
    expect(templateVectors(attrs, 'DISK').map((d) => vectorGet(d, 'image_id'))).toEqual(['3', undefined]);
  });

  it('unescapes only \\" and keeps other backslashes, newlines and non-ASCII text', () => {
    // Prepare
    const text = 'A = "say \\"hi\\" \\\\n \\t"\nB = "line1\nline2 ünï ☃"\nC = "$VAR [x], y=z #no"\n';

    // Act
    const attrs = parseTemplate(text);

    // Assess
    expect(attrs).toEqual([
      { name: 'A', value: 'say "hi" \\\\n \\t' },
      { name: 'B', value: 'line1\nline2 ünï ☃' },
      { name: 'C', value: '$VAR [x], y=z #no' },
    ]);
  });

  it('keeps the first of repeated keys inside a vector, as std::map::insert does', () => {
    expect(parseTemplate('V = [ A = 1, a = 2 ]')).toEqual([{ name: 'V', vector: [{ name: 'A', value: '1' }] }]);
  });

  it('lets a quote escaped by a trailing backslash swallow the rest, as oned does', () => {
    // "x\" is not closed by its last quote: the string runs on to the next unescaped quote,
    // leaving `y"` behind, which is not an attribute.
    expect(() => parseTemplate('A = "x\\"\nB = "y"')).toThrow(/unexpected \$end, expecting EQUAL/);
    expect(parseTemplate('A = "x\\"\nB = "')).toEqual([{ name: 'A', value: 'x"\nB = ' }]);
  });

  it('refuses a value holding ]]> like oned', () => {
    expect(() => parseTemplate('A = "x]]>y"\n')).toThrow(TemplateSyntaxError);
  });

  it('reports syntax errors with line and columns', () => {
    // Prepare
    const text = 'A = 1\nB C = 2\n';

    // Act
    const error = (() => { try { parseTemplate(text); } catch (e) { return e; } })();

    // Assess
    expect(error).toBeInstanceOf(TemplateSyntaxError);
    expect((error as TemplateSyntaxError).message).toMatch(/^syntax error, unexpected VARIABLE, expecting EQUAL at line 2/);
  });

  it('parses the scheduler configuration rank.conf', () => {
    // Prepare
    const text = readFileSync(join(__dirname, '../../../../shared/reference/opennebula-sched-conf/rank.conf'), 'utf8');

    // Act
    const attrs = parseTemplate(text);

    // Assess
    expect(templateGet(attrs, 'MAX_HOST')).toBe('1');
    expect(templateGet(attrs, 'DIFFERENT_VNETS')).toBe('YES');
    expect(vectorGet(templateVectors(attrs, 'DEFAULT_SCHED')[0], 'POLICY')).toBe('1');
    expect(vectorGet(templateVectors(attrs, 'LOG')[0], 'SYSTEM')).toBe('file');
  });
});
