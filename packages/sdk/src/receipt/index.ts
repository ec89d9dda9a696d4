export { RECEIPT_CONTEXT, type Receipt, type SignedReceipt } from './receipt.js';
export { signReceipt } from './sign-receipt.js';
export { type VerifyReceiptOptions, verifyReceipt } from './verify-receipt.js';
