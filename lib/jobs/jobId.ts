/**
 * The shape of a job id, as service.ts's newJobId makes it: "j", the submit time in base 36
 * (10 digits, so ids sort by age), then 16 random hex digits. An array's id is the same with
 * "a" for "j"; its elements' ids add "_" and their index (lib/domain/array.ts).
 */
export const JOB_ID_PATTERN = /^[ja][0-9a-z]{10}[0-9a-f]{16}$|^a[0-9a-z]{10}[0-9a-f]{16}_[0-9]{1,6}$/;

export const isJobId = (text: string): boolean => JOB_ID_PATTERN.test(text);
