import { z } from 'zod';
import { blankToUndefined, idText, requiredText } from '../catalog/fields.ts';

export const CategorySchema = z.object({
  name: requiredText('Name', 80),
  parentId: z.preprocess(blankToUndefined, idText('parent category').optional()),
});

export type CategoryInput = z.output<typeof CategorySchema>;
