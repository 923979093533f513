import { Counter, Gauge, type Registry } from 'prom-client';
import { type Admission, type AdmissionOptions, createAdmission } from './pipeline/admission.js';

/**
 * The log writes' admission (pipeline/admission.ts) with its metrics on `registry`: how many writes are worked on
 * and how many wait, read at each scrape, and how many were refused. Shedding is on purpose, so an operator needs to
 * see it happen: a rising `sigbox_admission_shed_total` says the box is asked for more than it can answer in time.
 */
export function createMeasuredAdmission(registry: Registry, options: AdmissionOptions): Admission {
  const shed = new Counter({ name: 'sigbox_admission_shed_total', help: 'Log writes refused with 503 and Retry-After because their turn would come too late', registers: [registry] });
  const admission = createAdmission({ ...options, onShed: () => shed.inc() });
  new Gauge({
    name: 'sigbox_admission_in_service',
    help: 'Log writes being worked on now',
    registers: [registry],
    collect() {
      this.set(admission.state().inService);
    },
  });
  new Gauge({
    name: 'sigbox_admission_waiting',
    help: 'Log writes waiting for their turn, their bodies not yet read',
    registers: [registry],
    collect() {
      this.set(admission.state().waiting);
    },
  });
  return admission;
}
