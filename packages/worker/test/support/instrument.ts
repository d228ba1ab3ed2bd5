import type { Admin, Driver, FlowControl, JobControl, Observability, Schedules } from '@taskharbor/core';
import type { MemoryDriver } from '@taskharbor/driver-memory';

type Method = keyof Driver | keyof Admin | keyof JobControl | keyof Schedules | keyof FlowControl | keyof Observability;

/** The real memory driver seen through a spy: every call is counted, and a test may replace one method to inject a fault. */
export type Instrumented = Driver &
  Admin &
  JobControl &
  Schedules &
  FlowControl &
  Observability & {
    calls: { method: Method; args: unknown[] }[];
    count(method: Method): number;
    /** Replace a method; the replacement gets the real driver to fall back on. */
    override<M extends Method>(method: M, replacement: ((real: MemoryDriver, ...args: never[]) => unknown) | 'absent'): void;
    restore(method: Method): void;
  };

export function instrument(real: MemoryDriver): Instrumented {
  const calls: { method: Method; args: unknown[] }[] = [];
  const overrides = new Map<string | symbol, ((real: MemoryDriver, ...args: never[]) => unknown) | 'absent'>();
  const extra = {
    calls,
    count: (method: Method) => calls.filter((call) => call.method === method).length,
    override: (method: Method, replacement: ((real: MemoryDriver, ...args: never[]) => unknown) | 'absent') => {
      overrides.set(method, replacement);
    },
    restore: (method: Method) => {
      overrides.delete(method);
    },
  };
  return new Proxy(real, {
    get(target, property) {
      if (property in extra) return extra[property as keyof typeof extra];
      const override = overrides.get(property);
      if (override === 'absent') return undefined;
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push({ method: property as Method, args });
        if (override !== undefined) return override(target, ...(args as never[]));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as unknown as Instrumented;
}

/** The driver as one without job control would look: it declares no families, so the worker never calls one. */
export function withoutJobControl<D extends object>(driver: D): D {
  return new Proxy(driver, {
    get(target, property) {
      if (property === 'families') return undefined;
      return Reflect.get(target, property, target) as unknown;
    },
  });
}
