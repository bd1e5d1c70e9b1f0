// reflect-metadata must be evaluated before jspurefix: its tsyringe decorators read it at load time.
import 'reflect-metadata';
import jspurefix from 'jspurefix';
import tcpAcceptorModule from 'jspurefix/dist/transport/tcp/tcp-acceptor.js';

/**
 * jspurefix is CommonJS and Node's ESM loader does not see every name it
 * re-exports, so its values are taken from the default export here, once.
 * Types are imported with `import type` from 'jspurefix' where needed.
 */
export const {
  AsciiSession,
  AsciiSessionMsgFactory,
  DefinitionFactory,
  DITokens,
  EmptyLogFactory,
  JsFixLoggerFactory,
  MsgTag,
  MsgType,
  SessionContainer,
  SessionLauncher,
  SessionState,
} = jspurefix;

/** jspurefix's TCP acceptor class (not re-exported by its index). */
export const TcpAcceptor = tcpAcceptorModule.TcpAcceptor;
