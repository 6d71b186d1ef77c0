/** Which attribute names svmsched evaluates exactly as OpenNebula does. */

const NAME_STEP = /^(?:\*|[A-Za-z_][\w.-]*)$/;

/**
 * True for element paths: NAME, A/B, `*` steps, or an absolute /ROOT/A path (blanks around a
 * step are allowed, as in XPath). Other XPath (operators, predicates, '.', '|') is not evaluated.
 */
export function isPlainAttributeName(name: string): boolean {
  const steps = (name.startsWith('/') ? name.slice(1) : name).split('/');
  return steps.every((s) => NAME_STEP.test(s.trim()));
}

/**
 * Why a name is refused, or undefined when it is fine. `""` reaches OpenNebula's search as a
 * NULL name, which it dereferences (the scheduler aborts); a quoted name with XPath beyond element
 * paths would be evaluated by libxml2 in ways not reproduced here. Both are refused rather than
 * read as a missing attribute.
 */
export function nameProblem(name: string | null): string | undefined {
  if (name === null) return 'an attribute name cannot be empty';
  if (!isPlainAttributeName(name)) {
    return 'an attribute name must be an element path (NAME, "A/B", "*", "/HOST/A"); other XPath is not supported';
  }
  return undefined;
}
