/**
 * roomcast: the realtime data layer for TypeScript apps. One server holds your clients' WebSocket connections,
 * authenticates each against your backend, lets a client join only the rooms it may, and pushes whatever your app
 * publishes — an HTTP trigger, an AMQP message, or a call in your own code — to every member.
 *
 * @example
 * import { createServer } from 'roomcast';
 *
 * const server = createServer({
 *   bootstrap: { apiUrl: 'http://127.0.0.1:8000/api/' }, // django-binder's bootstrap decides allowed rooms
 *   trigger: { secret: process.env.TRIGGER_SECRET },
 * });
 * await server.listen();
 * server.publish([{ location: 'Delft' }], { id: 7, event: 'created' });
 *
 * @module
 */
export { createServer } from './server.js';
export type { RoomcastServer, ServerAddress } from './server.js';
export { DEFAULTS } from './options.js';
export type { ServerOptions, BootstrapOptions, TriggerOptions, RestOptions } from './options.js';
export { openApiDocument } from './rest/openapi.js';
export type { OpenApiDocument, OpenApiOptions } from './rest/openapi.js';
export { createTemplarDialect } from './dialects/templar/index.js';
export type { TemplarOptions } from './dialects/templar/index.js';
export { TemplarError } from './dialects/templar/codec.js';
export { createRohrpostDialect } from './dialects/rohrpost/index.js';
export type {
  RohrpostAuthJwt,
  RohrpostContext,
  RohrpostHandler,
  RohrpostOptions,
  RohrpostDialect,
  RohrpostMessageOptions,
  RohrpostErrorOptions,
  SubscriptionTarget,
} from './dialects/rohrpost/index.js';
export { RohrpostError } from './dialects/rohrpost/codec.js';
export { createBindingDialect, BindingErrorCode } from './dialects/binding/index.js';
export type { BindingContext, BindingData, BindingDialect, BindingHandler, BindingOptions } from './dialects/binding/index.js';
export type { Dialect, Session, Denial, ServerView } from './dialects/dialect.js';
export { createBootstrapAuth } from './auth/bootstrap.js';
export type { BootstrapAuthOptions } from './auth/bootstrap.js';
export { BootstrapStatus } from './auth/bootstrap-response.js';
export { createAnonymousAuth } from './auth/anonymous.js';
export { createJwtAuth, createJwtVerifier, verifyJwt } from './auth/jwt.js';
export type { JwtAuthOptions, JwtVerdict, JwtVerifier } from './auth/jwt.js';
export { signJwt } from './auth/jwt-sign.js';
export type { SignJwtOptions } from './auth/jwt-sign.js';
export { nodeHttpGet } from './transport/http-client.js';
export type { HttpGet, HttpGetRequest, HttpGetResponse } from './auth/http-get.js';
export { DEFAULT_FORWARD, parseHeaderSpec } from './auth/forward.js';
export type { HeaderSource } from './auth/forward.js';
export type { AuthStrategy, AuthResult, UpgradeRequest } from './auth/strategy.js';
export { createMemoryLayer, createMemoryBus } from './layers/memory.js';
export type { Layer, LayerSink, LayerStatus, DirectMessage } from './layers/layer.js';
export type { Envelope } from './core/envelope.js';
export type { Identity } from './core/identity.js';
export { createAmqpTriggerSource } from './triggers/amqp.js';
export type { AmqpTriggerOptions } from './triggers/amqp.js';
export { TriggerError } from './triggers/decode.js';
export { CloseCode, shouldReconnect } from './wire/close-codes.js';
export { silentLogger, redactUrl } from './log.js';
export type { Logger } from './log.js';
