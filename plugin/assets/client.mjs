// The page's side of the Python worker (worker.mjs): one worker per page however many quizzes
// it holds, booted once, with a time limit on every message. It decides nothing.
import { absolute } from "./dom.mjs";

const runtimes = new Map(); // worker URL -> Runtime

export function runtimeFor(settings) {
  const key = absolute(settings.worker);
  if (!runtimes.has(key)) runtimes.set(key, new Runtime(settings));
  return runtimes.get(key);
}

class Runtime {
  constructor(settings) {
    this.settings = settings;
    this.listeners = new Set(); // quizzes to tell when the worker dies
    this.progressListeners = new Set(); // quizzes showing how much of the runtime has arrived
    this.loaded = 0;
    this.reset();
  }

  // Call `listener(error)` whenever the worker fails, while `alive()` holds.
  subscribe(listener, alive) {
    const entry = (error) => (alive() ? listener(error) : this.listeners.delete(entry));
    this.listeners.add(entry);
  }

  // Call `listener(bytes)` as the runtime's files arrive, while `alive()` holds.
  onProgress(listener, alive) {
    const entry = (bytes) => (alive() ? listener(bytes) : this.progressListeners.delete(entry));
    this.progressListeners.add(entry);
  }

  reset() {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    this.booting = null;
    this.models = new Map();
    this.pending = new Map();
    this.seq = 0;
  }

  // Send one message to the worker; reject on error, crash or time-out.
  send(message, timeoutMs) {
    if (!this.worker) return Promise.reject(new Error("the Python worker stopped"));
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no answer from Python after ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.worker.postMessage({ id, ...message });
    });
  }

  fail(error) {
    for (const { reject, timer } of this.pending.values()) {
      clearTimeout(timer);
      reject(error);
    }
    this.pending.clear();
    this.reset();
    for (const listener of [...this.listeners]) listener(error);
  }

  receive(data) {
    if (data.progress !== undefined) {
      this.loaded = data.progress;
      for (const listener of [...this.progressListeners]) listener(this.loaded);
      return;
    }
    const entry = this.pending.get(data.id);
    if (!entry) return;
    this.pending.delete(data.id);
    clearTimeout(entry.timer);
    if (data.ok) entry.resolve(data.value);
    else entry.reject(new Error(data.error));
  }

  boot() {
    if (this.booting) return this.booting;
    const s = this.settings;
    this.loaded = 0;
    this.worker = new Worker(absolute(s.worker), { type: "module" });
    this.worker.onmessage = (event) => this.receive(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.fail(new Error(event.message || "the Python worker stopped"));
    };
    this.worker.onmessageerror = () => this.fail(new Error("the Python worker sent an unreadable message"));
    const request = {
      op: "boot", indexUrl: absolute(s.indexUrl), archive: absolute(s.archive), lock: s.lock, modelUrl: absolute(s.modelUrl),
      snapshot: s.snapshot ? { ...s.snapshot, url: absolute(s.snapshot.url), stdlib: s.snapshot.stdlib && { ...s.snapshot.stdlib, url: absolute(s.snapshot.stdlib.url) } } : null,
    };
    this.booting = this.send(request, s.bootTimeoutMs).catch((error) => {
      this.fail(error);
      throw error;
    });
    return this.booting;
  }

  // Boot if needed, then load one model (once); resolves to the load reply.
  model(settings) {
    if (!this.models.has(settings.modelUrl)) {
      const loading = this.boot()
        .then(() => this.send({ op: "load", modelUrl: absolute(settings.modelUrl), version: settings.version || null, expect: settings.model }, settings.bootTimeoutMs))
        .then((reply) => {
          const data = JSON.parse(reply);
          if (!data.ok) throw new Error(data.error.message);
          return data;
        });
      loading.catch(() => this.models.delete(settings.modelUrl));
      this.models.set(settings.modelUrl, loading);
    }
    return this.models.get(settings.modelUrl);
  }

  async call(request, timeoutMs) {
    const reply = JSON.parse(await this.send({ op: "call", request: JSON.stringify(request) }, timeoutMs));
    if (!reply.ok) throw new Error(reply.error.message);
    return reply;
  }
}
