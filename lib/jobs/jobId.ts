/**
 * The shape of a job id, as service.ts's newJobId makes it: "j", the submit time in base 36
 * (10 digits, so ids sort by age), then 16 random hex digits.
 */
export const JOB_ID_PATTERN = /^j[0-9a-z]{10}[0-9a-f]{16}$/;

export const isJobId = (text: string): boolean => JOB_ID_PATTERN.test(text);
