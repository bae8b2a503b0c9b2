/** @charybdis/coordinator — see README.md. */
export {};
