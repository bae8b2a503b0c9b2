/** @charybdis/server — see README.md. */
export {};
