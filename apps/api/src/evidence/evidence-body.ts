import type { NextFunction, Request, Response } from 'express';
import { raw } from 'express';
import { EVIDENCE_MAX_BYTES, EvidenceNotPdf, EvidenceTooLarge } from '@dgr/domain';

/** The one route whose body is not JSON: a party's minutes extract, PUT as the PDF itself. */
const EVIDENCE_PATH = /^\/api\/initiatives\/[^/]+\/decisions\/[^/]+\/evidence\/?$/;

export const isEvidenceUpload = (req: Request): boolean => req.method === 'PUT' && EVIDENCE_PATH.test(req.path);

const parseRaw = raw({ type: () => true, limit: EVIDENCE_MAX_BYTES });

/**
 * The raw body parser of the evidence route only (every other route takes JSON): `Content-Type: application/pdf`
 * or 415, at most 10 MiB or 413 (refused from `Content-Length` before a byte is read when it says so). The
 * bytes themselves are checked again by the command (magic bytes `%PDF-`): the declared type alone proves nothing.
 */
export const evidenceBodyMiddleware = (req: Request, res: Response, next: NextFunction): void => {
  if (!isEvidenceUpload(req)) return next();
  if (!req.is('application/pdf')) return next(new EvidenceNotPdf());
  parseRaw(req, res, (err?: unknown) => {
    if ((err as { type?: unknown } | undefined)?.type === 'entity.too.large') return next(new EvidenceTooLarge(Number(req.header('content-length')) || null));
    next(err);
  });
};
