/**
 * Schedules and sensors for CLI commands: from the project's store (loading its definitions), or
 * over HTTP from a running instance (`--url`). Both answer with the same views.
 */
import { z } from 'zod';
import type { Json } from '../domain/ids/index.js';
import {
  getSchedule,
  getSensor,
  listSensorEvaluations,
  listSensors,
  pushToSensor,
  resetSensorCursor,
  sensorEvaluationViewSchema,
  sensorViewSchema,
  setSensorStatus,
  type PushOutcome,
  type SensorEvaluationView,
  type SensorView,
  listScheduleTicks,
  listSchedules,
  previewResultSchema,
  previewSchedule,
  scheduleTickViewSchema,
  scheduleViewSchema,
  setScheduleStatus,
  type PreviewResult,
  type RuntimeContext,
  type ScheduleTickView,
  type ScheduleView,
} from '../runtime/index.js';

export type TickStatus = 'SUCCESS' | 'SKIPPED' | 'FAILURE';
export type EvaluationStatus = 'SUCCESS' | 'SKIPPED' | 'FAILURE' | 'STALE';
type Page = { statuses?: EvaluationStatus[]; cursor?: number; limit: number };

export interface AutomationBackend {
  listSchedules(): Promise<ScheduleView[]>;
  getSchedule(name: string): Promise<ScheduleView>;
  scheduleTicks(name: string, query: { statuses?: TickStatus[]; cursor?: number; limit: number }): Promise<{ ticks: ScheduleTickView[]; nextCursor: number | null }>;
  setScheduleStatus(name: string, status: 'RUNNING' | 'STOPPED'): Promise<ScheduleView>;
  previewSchedule(name: string, from: string | undefined, count: number): Promise<PreviewResult>;
  listSensors(): Promise<SensorView[]>;
  getSensor(name: string): Promise<SensorView>;
  sensorEvaluations(name: string, query: Page): Promise<{ evaluations: SensorEvaluationView[]; nextCursor: number | null }>;
  setSensorStatus(name: string, status: 'RUNNING' | 'STOPPED'): Promise<SensorView>;
  resetSensorCursor(name: string, cursor: string | null): Promise<SensorView>;
  pushToSensor(name: string, messageId: string, payload: Json): Promise<PushOutcome>;
}

export class LocalAutomationBackend implements AutomationBackend {
  constructor(private readonly runtime: () => Promise<RuntimeContext>) {}

  async listSchedules() {
    return listSchedules(await this.runtime());
  }
  async getSchedule(name: string) {
    return getSchedule(await this.runtime(), name);
  }
  async scheduleTicks(name: string, query: { statuses?: TickStatus[]; cursor?: number; limit: number }) {
    return listScheduleTicks(await this.runtime(), name, query);
  }
  async setScheduleStatus(name: string, status: 'RUNNING' | 'STOPPED') {
    return setScheduleStatus(await this.runtime(), name, status);
  }
  async previewSchedule(name: string, from: string | undefined, count: number) {
    const ctx = await this.runtime();
    return previewSchedule(ctx, name, from ?? ctx.clock.now(), count);
  }
  async listSensors() {
    return listSensors(await this.runtime());
  }
  async getSensor(name: string) {
    return getSensor(await this.runtime(), name);
  }
  async sensorEvaluations(name: string, query: Page) {
    return listSensorEvaluations(await this.runtime(), name, query);
  }
  async setSensorStatus(name: string, status: 'RUNNING' | 'STOPPED') {
    return setSensorStatus(await this.runtime(), name, status);
  }
  async resetSensorCursor(name: string, cursor: string | null) {
    return resetSensorCursor(await this.runtime(), name, cursor);
  }
  async pushToSensor(name: string, messageId: string, payload: Json) {
    return pushToSensor(await this.runtime(), name, { messageId, payload });
  }
}

export type ApiCall = <T>(method: string, path: string, schema: z.ZodType<T>, body?: unknown) => Promise<T>;

export class HttpAutomationBackend implements AutomationBackend {
  constructor(private readonly call: ApiCall) {}

  async listSchedules() {
    return (await this.call('GET', '/api/v1/schedules', z.object({ schedules: z.array(scheduleViewSchema) }))).schedules;
  }
  getSchedule(name: string) {
    return this.call('GET', `/api/v1/schedules/${encodeURIComponent(name)}`, scheduleViewSchema);
  }
  scheduleTicks(name: string, query: { statuses?: TickStatus[]; cursor?: number; limit: number }) {
    const params = new URLSearchParams({ limit: String(query.limit) });
    if (query.statuses?.length) params.set('status', query.statuses.join(','));
    if (query.cursor !== undefined) params.set('cursor', String(query.cursor));
    return this.call(
      'GET',
      `/api/v1/schedules/${encodeURIComponent(name)}/ticks?${params}`,
      z.object({ ticks: z.array(scheduleTickViewSchema), nextCursor: z.number().int().nullable() }),
    );
  }
  setScheduleStatus(name: string, status: 'RUNNING' | 'STOPPED') {
    return this.call('POST', `/api/v1/schedules/${encodeURIComponent(name)}/${status === 'RUNNING' ? 'start' : 'stop'}`, scheduleViewSchema, {});
  }
  previewSchedule(name: string, from: string | undefined, count: number) {
    const params = new URLSearchParams({ count: String(count) });
    if (from !== undefined) params.set('from', from);
    return this.call('GET', `/api/v1/schedules/${encodeURIComponent(name)}/preview?${params}`, previewResultSchema);
  }
  async listSensors() {
    return (await this.call('GET', '/api/v1/sensors', z.object({ sensors: z.array(sensorViewSchema) }))).sensors;
  }
  getSensor(name: string) {
    return this.call('GET', `/api/v1/sensors/${encodeURIComponent(name)}`, sensorViewSchema);
  }
  sensorEvaluations(name: string, query: Page) {
    const params = new URLSearchParams({ limit: String(query.limit) });
    if (query.statuses?.length) params.set('status', query.statuses.join(','));
    if (query.cursor !== undefined) params.set('cursor', String(query.cursor));
    return this.call(
      'GET',
      `/api/v1/sensors/${encodeURIComponent(name)}/evaluations?${params}`,
      z.object({ evaluations: z.array(sensorEvaluationViewSchema), nextCursor: z.number().int().nullable() }),
    );
  }
  setSensorStatus(name: string, status: 'RUNNING' | 'STOPPED') {
    return this.call('POST', `/api/v1/sensors/${encodeURIComponent(name)}/${status === 'RUNNING' ? 'start' : 'stop'}`, sensorViewSchema, {});
  }
  resetSensorCursor(name: string, cursor: string | null) {
    return this.call('POST', `/api/v1/sensors/${encodeURIComponent(name)}/reset-cursor`, sensorViewSchema, { cursor });
  }
  pushToSensor(name: string, messageId: string, payload: Json) {
    return this.call('POST', `/api/v1/sensors/${encodeURIComponent(name)}/push`, z.object({ duplicate: z.boolean(), evaluation: sensorEvaluationViewSchema }), { messageId, payload });
  }
}
