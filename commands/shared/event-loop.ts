export { yieldIfBusy } from '../../storage/event-loop.js';
