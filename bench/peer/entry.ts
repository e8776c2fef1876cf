// The peer's page (bench/sections/peer.ts bundles it with gpt-tfjs mapped onto the course's TF.js, PEER_ALIAS).
import * as tf from "@tinygpt/tf";
import {initBackend} from "../../src/gpt/backend.js";
import * as peer from "../workloads/peer.js";

const bench = {tf, initBackend, ...peer};
(window as unknown as {bench: typeof bench}).bench = bench;
export type PeerBench = typeof bench;
