export { type FerryErrorCode, FerryErrorCodes } from './codes.js';
export { FerryError, type FerryErrorLocation, type FerryErrorOptions, isFerryError } from './ferry-error.js';
