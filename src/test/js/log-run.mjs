// Writes a run with W&B's JavaScript SDK: the server and key come from WANDB_BASE_URL and
// WANDB_API_KEY, as for any SDK user. Arguments: project, run ID, steps. Each step logs
// loss = 1 / (step + 1) and accuracy = step / 10; the run's config is {lr: 0.01, layers: 3}.
import wandb from '@wandb/sdk';

const [project, id, steps] = process.argv.slice(2);
await wandb.init({ project, id, config: { lr: 0.01, layers: 3 } });
for (let step = 0; step < Number(steps); step++) {
  wandb.log({ loss: 1 / (step + 1), accuracy: step / 10 });
}
await wandb.finish();
