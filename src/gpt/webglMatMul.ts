// Matrix products on the webgl backend, four output texels per fragment: one WebGL draw writes four render targets.
import * as tf from "@tinygpt/tf";
import type {KernelArgs} from "./ownKernel.js";

/**
 * TF.js's packed WebGL product computes one texel (a 2 × 2 block of the output) per fragment, reading two texels
 * for every two steps along K: its speed is the speed of texture reads. This program computes a 4 × 4 block per
 * fragment from four reads per two steps, the same four texels of TF.js's packed layout, so each read serves twice
 * the multiply-adds (1.5–1.7× on SwiftShader, bench/README.md). A fragment has one output texel, so the four texels
 * go to four render targets (four quarter-size tensors), and a second, TF.js, program interleaves them into the
 * packed output. Where the shapes or the textures do not fit (a size not a multiple of 4, an operand stored
 * differently, WebGL 1), TF.js's own kernel runs.
 */
export function webglMatMulKernel({inputs, backend, attrs}: KernelArgs): tf.TensorInfo {
  const {a, b} = inputs as {a: tf.TensorInfo; b: tf.TensorInfo};
  const {transposeA, transposeB} = attrs as {transposeA: boolean; transposeB: boolean};
  const out = product(backend as WebGLBackend, a, b, transposeA, transposeB);
  if (out) return out;
  const own = tf.getKernel("BatchMatMul", "webgl")!.kernelFunc;
  return own({inputs: {a, b}, backend: backend as tf.KernelBackend, attrs: {transposeA, transposeB}}) as tf.TensorInfo;
}

/** What this file reaches into of TF.js's WebGL backend (tfjs-backend-webgl 4.x). */
interface WebGLBackend {
  gpgpu: {gl: WebGL2RenderingContext; framebuffer: WebGLFramebuffer};
  texData: {get(dataId: object): TexData};
  uploadToGPU(dataId: object): void;
  packTensor(input: tf.TensorInfo): tf.TensorInfo;
  makeTensorInfo(shape: number[], dtype: "float32"): tf.TensorInfo;
  compileAndRun(program: object, inputs: tf.TensorInfo[]): tf.TensorInfo;
  disposeIntermediateTensorInfo(info: tf.TensorInfo): void;
}

interface TexData {
  shape: number[];
  isPacked?: boolean;
  texShape?: [number, number]; // in values: a packed texture is half as many texels each way
  texture?: {texture: WebGLTexture; texShape: [number, number]} | null; // texShape: [height, width] in texels
}

const TARGETS = 4;

let draws = 0;
/** How many products ran this file's program (the rest ran TF.js's kernel): for the tests. */
export const fourTargetDraws = (): number => draws;

function product(be: WebGLBackend, a: tf.TensorInfo, b: tf.TensorInfo, tA: boolean, tB: boolean) {
  const r = a.shape.length;
  const [M, K] = tA ? [a.shape[r - 1], a.shape[r - 2]] : [a.shape[r - 2], a.shape[r - 1]];
  const N = tB ? b.shape[r - 2] : b.shape[r - 1];
  const batch = a.shape.slice(0, -2).reduce((x, d) => x * d, 1);
  if (tf.env().getNumber("WEBGL_VERSION") !== 2 || M % 4 || N % 4 || K % 2 || a.dtype !== "float32") return null;
  const ctx = context(be.gpgpu.gl);
  if (b.dtype !== "float32" || !ctx.drawBuffers) return null;
  const made: tf.TensorInfo[] = [];
  const packed = (x: tf.TensorInfo) => {
    be.uploadToGPU(x.dataId);
    if (be.texData.get(x.dataId).isPacked) return x;
    const p = be.packTensor(x);
    made.push(p);
    return p;
  };
  try {
    const [pa, pb] = [packed(a), packed(b)];
    const [ta, tb] = [texture(be, pa, batch), texture(be, pb, batch)];
    if (!ta || !tb) return null;
    const quarters = Array.from({length: TARGETS}, () => {
      const q = be.makeTensorInfo([batch, M / 2, N / 2], "float32"); // (batch, M/2, N/2): one texel of each 4 × 4 block
      made.push(q);
      be.texData.get(q.dataId).isPacked = true;
      be.uploadToGPU(q.dataId);
      return q;
    });
    const qt = quarters.map((q) => texture(be, q, batch));
    if (qt.some((t) => !t)) return null;
    draw(be, ctx, {M, K, N, batch, tA, tB}, ta, tb, qt as WebGLTexture[]);
    const out = be.compileAndRun(interleave([batch, M, N]), quarters); // (batch, M, N)
    return {dataId: out.dataId, shape: [...a.shape.slice(0, -2), M, N], dtype: "float32"} as tf.TensorInfo;
  } finally {
    for (const t of made) be.disposeIntermediateTensorInfo(t);
  }
}

/** x's texture where it holds x's packed texels row after row, batch after batch (rows and columns even); else null. */
function texture(be: WebGLBackend, x: tf.TensorInfo, batch: number): WebGLTexture | null {
  const d = be.texData.get(x.dataId);
  const [rows, cols] = x.shape.slice(-2);
  const stored = d.shape.slice(-2);
  if (!d.texture || !d.isPacked || !d.texShape || rows % 2 || cols % 2) return null;
  if (stored[1] !== cols || (stored.length > 1 && stored[0] % 2)) return null;
  return d.texShape[0] === batch * rows && d.texShape[1] === cols ? d.texture.texture : null;
}

interface Dims {
  M: number;
  K: number;
  N: number;
  batch: number;
  tA: boolean;
  tB: boolean;
}

interface Compiled {
  program: WebGLProgram;
  A: WebGLUniformLocation;
  B: WebGLUniformLocation;
}

interface Context {
  drawBuffers: boolean; // whether the context writes TARGETS render targets at once
  programs: Map<string, Compiled>;
  framebuffer: WebGLFramebuffer;
  vertices: WebGLVertexArrayObject;
}

const contexts = new WeakMap<WebGL2RenderingContext, Context>();

function context(gl: WebGL2RenderingContext): Context {
  let ctx = contexts.get(gl);
  if (!ctx) {
    const drawBuffers = gl.getParameter(gl.MAX_DRAW_BUFFERS) >= TARGETS;
    ctx = {drawBuffers, programs: new Map(), framebuffer: gl.createFramebuffer()!, vertices: gl.createVertexArray()!};
    contexts.set(gl, ctx);
  }
  return ctx;
}

/** Runs the 4 × 4 program into the four quarter textures, and puts back the state TF.js's next program expects. */
function draw(be: WebGLBackend, ctx: Context, d: Dims, a: WebGLTexture, b: WebGLTexture, quarters: WebGLTexture[]) {
  const gl = be.gpgpu.gl;
  const key = JSON.stringify(d);
  let p = ctx.programs.get(key);
  if (!p) ctx.programs.set(key, (p = compile(gl, fragmentSource(d))));
  const attachments = quarters.map((_, i) => gl.COLOR_ATTACHMENT0 + i);
  const [width, height] = [d.N / 4, (d.batch * d.M) / 4];
  gl.useProgram(p.program);
  gl.bindVertexArray(ctx.vertices);
  gl.bindFramebuffer(gl.FRAMEBUFFER, ctx.framebuffer);
  quarters.forEach((t, i) => gl.framebufferTexture2D(gl.FRAMEBUFFER, attachments[i], gl.TEXTURE_2D, t, 0));
  gl.drawBuffers(attachments);
  gl.viewport(0, 0, width, height);
  gl.scissor(0, 0, width, height);
  for (const [unit, texture, location] of [[0, a, p.A] as const, [1, b, p.B] as const]) {
    gl.activeTexture(gl.TEXTURE0 + unit);
    gl.bindTexture(gl.TEXTURE_2D, texture);
    gl.uniform1i(location, unit);
  }
  gl.drawArrays(gl.TRIANGLES, 0, 3);
  draws++;
  for (const unit of [1, 0]) {
    gl.activeTexture(gl.TEXTURE0 + unit);
    gl.bindTexture(gl.TEXTURE_2D, null);
  }
  for (const at of attachments) gl.framebufferTexture2D(gl.FRAMEBUFFER, at, gl.TEXTURE_2D, null, 0);
  gl.bindVertexArray(null);
  gl.bindFramebuffer(gl.FRAMEBUFFER, be.gpgpu.framebuffer);
}

function compile(gl: WebGL2RenderingContext, fragment: string): Compiled {
  const program = gl.createProgram()!;
  for (const [type, source] of [
    [gl.VERTEX_SHADER, VERTEX],
    [gl.FRAGMENT_SHADER, fragment]
  ] as const) {
    const shader = gl.createShader(type)!;
    gl.shaderSource(shader, source);
    gl.compileShader(shader);
    if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS))
      throw new Error(`webglMatMul: the shader does not compile: ${gl.getShaderInfoLog(shader)}`);
    gl.attachShader(program, shader);
    gl.deleteShader(shader);
  }
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS))
    throw new Error(`webglMatMul: the program does not link: ${gl.getProgramInfoLog(program)}`);
  return {program, A: gl.getUniformLocation(program, "A")!, B: gl.getUniformLocation(program, "B")!};
}

/** One triangle over the whole viewport. */
const VERTEX = `#version 300 es
void main() {
  vec2 p = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
  gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}`;

const f = (x: number) => x.toFixed(1);

/**
 * Fragment (C, R) writes the output's 4 × 4 block at rows 4R…, columns 4C… (R counted over every batch element): its
 * packed texels (2R + p, 2C + q) go to target 2p + q. A texel of a packed operand holds [x(i, j), x(i, j + 1),
 * x(i + 1, j), x(i + 1, j + 1)]; the swizzles are TF.js's (MatMulPackedProgram) for each transposition.
 */
function fragmentSource({M, K, N, batch, tA, tB}: Dims): string {
  const kp = K / 2;
  // A's texture: (batch·M/2, K/2) texels, or (batch·K/2, M/2) transposed; B's: (batch·K/2, N/2), or (batch·N/2, K/2).
  const [aw, ah] = tA ? [M / 2, (batch * K) / 2] : [K / 2, (batch * M) / 2];
  const [bw, bh] = tB ? [K / 2, (batch * N) / 2] : [N / 2, (batch * K) / 2];
  const [aSw, bSw] = [tA ? ["xxyy", "zzww"] : ["xxzz", "yyww"], tB ? ["xzxz", "ywyw"] : ["xyxy", "zwzw"]];
  // Texel coordinates (x, y) of A's row pair P at step i and B's column pair Q: a start, a step per i, the next pair.
  const aStart = tA ? `vec2(2 * R, n * ${kp})` : `vec2(0, n * ${M / 2} + 2 * R)`;
  const bStart = tB ? `vec2(0, n * ${N / 2} + 2 * C)` : `vec2(2 * C, n * ${kp})`;
  const [aStep, aNext] = tA ? ["vec2(0, 1)", "vec2(1, 0)"] : ["vec2(1, 0)", "vec2(0, 1)"];
  const [bStep, bNext] = tB ? ["vec2(1, 0)", "vec2(0, 1)"] : ["vec2(0, 1)", "vec2(1, 0)"];
  // Two additions, as TF.js adds them (tfjs issue 1735: some GPUs got the fused sum wrong).
  const sum = (r: string, x: string, y: string) =>
    `${r} += ${x}.${aSw[0]} * ${y}.${bSw[0]};\n    ${r} += ${x}.${aSw[1]} * ${y}.${bSw[1]};`;
  return `#version 300 es
precision highp float;
precision highp int;
precision highp sampler2D;
uniform sampler2D A;
uniform sampler2D B;
layout(location = 0) out vec4 o0;
layout(location = 1) out vec4 o1;
layout(location = 2) out vec4 o2;
layout(location = 3) out vec4 o3;
void main() {
  int C = int(gl_FragCoord.x);
  int RR = int(gl_FragCoord.y);
  int n = RR / ${M / 4};
  int R = RR - n * ${M / 4};
  vec2 a0 = ${aStart} + 0.5;
  vec2 b0 = ${bStart} + 0.5;
  vec2 aScale = vec2(${f(1)} / ${f(aw)}, ${f(1)} / ${f(ah)});
  vec2 bScale = vec2(${f(1)} / ${f(bw)}, ${f(1)} / ${f(bh)});
  vec2 aNext = ${aNext} * aScale;
  vec2 bNext = ${bNext} * bScale;
  vec4 r0 = vec4(0), r1 = vec4(0), r2 = vec4(0), r3 = vec4(0);
  for (int i = 0; i < ${kp}; i++) {
    vec2 ua = (a0 + float(i) * ${aStep}) * aScale;
    vec2 ub = (b0 + float(i) * ${bStep}) * bScale;
    vec4 x0 = texture(A, ua);
    vec4 x1 = texture(A, ua + aNext);
    vec4 y0 = texture(B, ub);
    vec4 y1 = texture(B, ub + bNext);
    ${sum("r0", "x0", "y0")}
    ${sum("r1", "x0", "y1")}
    ${sum("r2", "x1", "y0")}
    ${sum("r3", "x1", "y1")}
  }
  o0 = r0;
  o1 = r1;
  o2 = r2;
  o3 = r3;
}`;
}

/** A TF.js program: the packed (batch, M, N) output from the four quarter tensors the product wrote. */
function interleave(outputShape: number[]) {
  return {
    variableNames: ["Q0", "Q1", "Q2", "Q3"],
    packedInputs: true,
    packedOutput: true,
    outputShape,
    userCode: `
      void main() {
        ivec3 rc = getOutputCoords();
        int pr = rc.y / 2;
        int pc = rc.z / 2;
        int r = pr / 2 * 2;
        int c = pc / 2 * 2;
        bool down = pr > r;
        bool right = pc > c;
        vec4 v = down ? (right ? getQ3(rc.x, r, c) : getQ2(rc.x, r, c)) : (right ? getQ1(rc.x, r, c) : getQ0(rc.x, r, c));
        setOutput(v);
      }`
  };
}
