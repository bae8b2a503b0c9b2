/** @charybdis/replica — see README.md. */
export {};
