export { parseTemplate } from './parse';
export { writeTemplate, writeValue } from './write';
export { TemplateSyntaxError, TemplateValueError } from './errors';
export {
  isVector, templateGet, templateVectors, vectorGet,
  type TemplateAttr, type TemplatePair, type TemplateSingle, type TemplateVector,
} from './types';
