/** Running the storage and status-page components of a catalog under mocks, as the program does. */
import * as aws from "@pulumi/aws";
import * as datadog from "@pulumi/datadog";
import type { MockRunResult } from "../../cli/engine/mockRun";
import { Storage } from "../../infra/backups/backups";
import type { Catalog } from "../../catalog/model";
import { StatusPages } from "../../infra/statusPages/statusPages";
import { Uptime } from "../../infra/uptime/uptime";
import { runComponents } from "./mocks";

export const PRIMARY_REGION = "eu-west-1";
export const REPLICA_REGION = "eu-central-1";
export const BUCKET_PREFIX = "acme";

/** The storage, the status pages and (with `uptime`) the synthetics they refer to, with explicit providers. */
export function planStorage(catalog: Catalog, options: { uptime?: boolean; preview?: boolean } = {}): Promise<MockRunResult> {
  return runComponents(
    () => {
      const primary = new aws.Provider("aws", { region: PRIMARY_REGION });
      const replica = new aws.Provider("aws-replica", { region: REPLICA_REGION });
      const dd = new datadog.Provider("datadog", {});
      const { environment, services } = catalog;
      new Storage(
        "storage",
        {
          environment,
          bucketPrefix: BUCKET_PREFIX,
          region: PRIMARY_REGION,
          replica: { region: REPLICA_REGION, provider: replica },
          backups: catalog.backups,
          logs: catalog.logs,
          services,
        },
        { providers: { aws: primary, datadog: dd } },
      );
      if (catalog.statusPages.length > 0) new StatusPages("status", { environment, pages: catalog.statusPages, services }, { providers: { datadog: dd } });
      if (options.uptime) new Uptime("uptime", { environment, services }, { providers: { datadog: dd } });
    },
    { preview: options.preview ?? true },
  );
}
