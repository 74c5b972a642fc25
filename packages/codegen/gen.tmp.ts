import { writeFileSync } from 'node:fs';
import { generateClientModule } from './src/index.ts';

for (const name of ['market', 'edge']) {
  const mod = await import(`./test/fixtures/${name}.ts`);
  writeFileSync(
    `test/fixtures/${name}.client.ts`,
    generateClientModule(mod.contract, { source: `./${name}.ts` }),
  );
}
