/** @charybdis/storage — see README.md. */
export {};
