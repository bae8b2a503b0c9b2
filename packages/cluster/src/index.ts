/** @charybdis/cluster — see README.md. */
export {};
