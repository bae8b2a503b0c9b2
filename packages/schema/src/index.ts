/** @charybdis/schema — see README.md. */
export {};
