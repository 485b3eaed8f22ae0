import { Controller, type Type } from '@nestjs/common';

/**
 * The controller mounted at `path`. Route prefixes come from options, so the path cannot be written in a
 * decorator: each registration gets a subclass carrying it (routes, guards and pipes are inherited). The
 * base class is a `@Controller()` too, so that its constructor's dependencies are known.
 */
export function routedAt<T>(path: string, controller: Type<T>): Type<T> {
  @Controller(path)
  class Routed extends (controller as Type<object>) {}
  Object.defineProperty(Routed, 'name', { value: controller.name });
  return Routed as Type<T>;
}
