/** A requirement or rank expression that OpenNebula's grammar (expr_bool.y, expr_arith.y) rejects. */
export class ExprSyntaxError extends Error {
  constructor(readonly source: string, readonly position: number, readonly token: string, detail: string) {
    super(`syntax error at column ${position + 1}${token === '' ? '' : ` near '${token}'`}: ${detail}`);
    this.name = 'ExprSyntaxError';
  }
}
