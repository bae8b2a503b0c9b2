/** @charybdis/rpc — see README.md. */
export {};
