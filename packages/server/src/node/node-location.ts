/**
 * Where this node sits in the topology until a snitch reads it from config: what
 * system.local, nodetool status and the admin API report.
 */
export const LOCAL_DATA_CENTER = 'datacenter1';
export const LOCAL_RACK = 'rack1';
