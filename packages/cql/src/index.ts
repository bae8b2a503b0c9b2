/** @charybdis/cql — see README.md. */
export {};
