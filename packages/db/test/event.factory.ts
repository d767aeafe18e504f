export { aBookingHeldEvent } from '@otk/test-kit';
