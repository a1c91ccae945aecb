/**
 * The Grafana Foundation SDK's entry points, typed. The package publishes CommonJS
 * subpath exports (`@grafana/grafana-foundation-sdk/dashboard`) whose types live under
 * `dist/`; this project's `moduleResolution: node` does not read `exports`, so the
 * types are imported from `dist/` (erased at run time) and the modules are required
 * through their public subpaths (what Node resolves). Import the SDK from here only.
 */
import type * as CogSdk from "@grafana/grafana-foundation-sdk/dist/cog";
import type * as CommonSdk from "@grafana/grafana-foundation-sdk/dist/common";
import type * as DashboardSdk from "@grafana/grafana-foundation-sdk/dist/dashboard";
import type * as TimeseriesSdk from "@grafana/grafana-foundation-sdk/dist/timeseries";
import type * as StatSdk from "@grafana/grafana-foundation-sdk/dist/stat";
import type * as TableSdk from "@grafana/grafana-foundation-sdk/dist/table";
import type * as BargaugeSdk from "@grafana/grafana-foundation-sdk/dist/bargauge";
import type * as PiechartSdk from "@grafana/grafana-foundation-sdk/dist/piechart";

/* eslint-disable @typescript-eslint/no-require-imports */
export const common = require("@grafana/grafana-foundation-sdk/common") as typeof CommonSdk;
export const dashboard = require("@grafana/grafana-foundation-sdk/dashboard") as typeof DashboardSdk;
export const timeseries = require("@grafana/grafana-foundation-sdk/timeseries") as typeof TimeseriesSdk;
export const stat = require("@grafana/grafana-foundation-sdk/stat") as typeof StatSdk;
export const table = require("@grafana/grafana-foundation-sdk/table") as typeof TableSdk;
export const bargauge = require("@grafana/grafana-foundation-sdk/bargauge") as typeof BargaugeSdk;
export const piechart = require("@grafana/grafana-foundation-sdk/piechart") as typeof PiechartSdk;

export type Builder<T> = CogSdk.Builder<T>;
export type Dataquery = CogSdk.Dataquery;
export type Dashboard = DashboardSdk.Dashboard;
export type Panel = DashboardSdk.Panel;
export type RowPanel = DashboardSdk.RowPanel;
export type GridPos = DashboardSdk.GridPos;
export type Threshold = DashboardSdk.Threshold;
export type ThresholdsConfig = DashboardSdk.ThresholdsConfig;
export type FieldConfigSource = DashboardSdk.FieldConfigSource;
export type DynamicConfigValue = DashboardSdk.DynamicConfigValue;
export type DataSourceRef = CommonSdk.DataSourceRef;
