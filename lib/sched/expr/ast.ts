/** Syntax trees of requirement (expr_bool.y) and rank (expr_arith.y) expressions. */

/** Offsets into the source: first character and one past the last. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** The right side of a comparison as the scanner typed it: INTEGER, FLOAT or STRING (a word or a quoted text; null for `""`). */
export type Operand =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string | null };

export type ComparisonOp = '=' | '!=' | '>' | '<' | '@>';

export type BoolNode = Span &
  (
    | { readonly type: 'cmp'; readonly attr: string; readonly op: ComparisonOp; readonly operand: Operand }
    | { readonly type: 'and' | 'or'; readonly left: BoolNode; readonly right: BoolNode }
    | { readonly type: 'not'; readonly operand: BoolNode }
    | { readonly type: 'group'; readonly inner: BoolNode }
  );

export type ArithNode = Span &
  (
    | { readonly type: 'attr'; readonly attr: string }
    | { readonly type: 'num'; readonly value: number }
    | { readonly type: 'bin'; readonly op: '+' | '-' | '*' | '/'; readonly left: ArithNode; readonly right: ArithNode }
    | { readonly type: 'neg'; readonly operand: ArithNode }
    | { readonly type: 'group'; readonly inner: ArithNode }
  );
