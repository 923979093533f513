// @peculiar/x509, an independent reader of the certificates these tests make, on Node's WebCrypto.
import 'reflect-metadata';
import crypto from 'node:crypto';
import * as peculiar from '@peculiar/x509';

peculiar.cryptoProvider.set(crypto.webcrypto as unknown as typeof globalThis.crypto);

export { peculiar };
