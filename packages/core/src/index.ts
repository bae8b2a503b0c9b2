/** @charybdis/core — see README.md. */
export {};
